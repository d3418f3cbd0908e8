"""The request classifier: category, component and a suggested priority from the request text.

``training`` fits and evaluates a model from resolved requests, ``store`` keeps the fitted model
in private storage, ``predict`` answers :func:`classify` with the active model.
"""
