"""The local demo catalogue: its configuration and its municipalities with supplier-invoice data."""
