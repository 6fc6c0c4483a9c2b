"""Analytics (issue 7): daily rollups, KPIs, snapshots, targets and alerts, segments, scheduled reports.

Kept import-light on purpose: the rewards engine imports `rollups`, so nothing here may import the engine.
The facade the adapter uses is `service.Analytics` (built in services/container.py).
"""
