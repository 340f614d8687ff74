"""The spending explorer: totals and groups over the spending store, as an action, pages and CSV."""
