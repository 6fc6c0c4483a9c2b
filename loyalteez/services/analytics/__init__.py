"""Analytics: daily rollups, the KPI registry, snapshots, targets and alerts, segments, scheduled reports.

Kept import-light on purpose: the rewards engine imports `rollups`, so nothing here may import the engine.
The service the adapter uses is `service.Analytics` (built in services/container.py); KPIs are defined
once in `metrics.KPIS`.
"""
