"""One repository per feature: its table names, its SQL, its cache invalidation, typed rows out.

Services reach them through `store.scoped(scope).<feature>`; nothing outside `loyalteez.store` names a table.
"""
