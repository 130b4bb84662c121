"""Clearsight: performance grip for children's services.

Data flows one way: formats → model → warehouse → indicators → web / reports / exports.
"""

__version__ = "0.1.0"
