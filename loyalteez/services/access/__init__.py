"""Who may do what on which server: brands, server links, admin levels and the audit trail."""
