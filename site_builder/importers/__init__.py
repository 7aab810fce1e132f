"""Importers: upstream metadata forms converted into MIFA Catalogue manifests."""
