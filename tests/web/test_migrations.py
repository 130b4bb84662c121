"""The models and their migrations agree, and the migrations apply (pytest-django builds the test
database from them, on SQLite and on PostgreSQL)."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db  # makemigrations reads the applied migrations too
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_every_migration_is_applied_to_the_test_database():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
