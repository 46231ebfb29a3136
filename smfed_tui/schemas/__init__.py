"""The compact CRD schemas (JSON) and the script that derives them (derive.py)."""
