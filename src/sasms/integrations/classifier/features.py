"""From a request's text to features: the search tokenizer's words plus character n-grams.

Words come from the one tokenizer the whole product uses (jieba for Chinese, codes split the way
search splits them), so the classifier and search agree on what a word is; character 2-3-grams
catch what segmentation misses (unknown part names, typos, mixed scripts); the service desk's cue
words (:mod:`.cues`) carry synonyms and urgency phrases across languages.
"""

from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion  # type: ignore[import-untyped]

from sasms.core.search.tokenizer import normalise, tokenize
from sasms.integrations.classifier.cues import CueFeatures

# The title says most about a request; repeating it weighs it above a long description.
TITLE_REPEAT = 2
MAX_DESCRIPTION_CHARS = 2000
MAX_WORD_FEATURES = 60_000
MAX_CHAR_FEATURES = 60_000
# Few cue columns against tens of thousands of n-grams: weighed up so they are heard.
CUE_WEIGHT = 3.0


def document(title: str, description: str) -> str:
    title = (title or "").strip()
    return "\n".join([title] * TITLE_REPEAT + [(description or "")[:MAX_DESCRIPTION_CHARS]])


def build_vectorizer(sample_count: int) -> Any:
    # Terms seen once in a small set are mostly noise; in a tiny set they may be all there is.
    min_df = 2 if sample_count >= 1000 else 1
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer=tokenize, sublinear_tf=True, min_df=min_df, max_features=MAX_WORD_FEATURES
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    preprocessor=normalise,
                    ngram_range=(2, 3),
                    sublinear_tf=True,
                    min_df=min_df,
                    max_features=MAX_CHAR_FEATURES,
                ),
            ),
            ("cues", CueFeatures()),
        ],
        transformer_weights={"words": 1.0, "chars": 1.0, "cues": CUE_WEIGHT},
    )
