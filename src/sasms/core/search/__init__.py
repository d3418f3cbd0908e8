"""The search kernel shared by the knowledge base, tickets and assets.

Apps call :mod:`sasms.core.search.services` — ``index_document`` / ``index_documents`` when an
object is saved, ``remove_document`` when it goes, ``search`` to find — and never the backends.
Nothing is imported here: the package is loaded while Django registers the core app's models.
"""
