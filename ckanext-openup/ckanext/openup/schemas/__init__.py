"""Scheming YAML: the supplier-invoices dataset type, the organisation schema and fluent presets."""
