"""The throwaway PostgreSQL cluster of the tests: ``tools/pg_cluster.py``,
which the benchmarks use too (see there)."""

from tools.pg_cluster import TEMPLATE, PgCluster, database_name, start_cluster, unavailable

__all__ = ["TEMPLATE", "PgCluster", "database_name", "start_cluster", "unavailable"]
