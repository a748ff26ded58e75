"""Statements shared by both backends: named parameters as PostgreSQL numbers them."""

from monitor.store.postgres.sql import named, numbered


def test_a_name_used_twice_is_one_numbered_parameter_and_casts_stay() -> None:
    sql = "UPDATE t SET a = :now, b = :now WHERE id = ANY(:ids::bigint[]) AND c <= :now"
    assert numbered(sql) == (
        "UPDATE t SET a = $1, b = $1 WHERE id = ANY($2::bigint[]) AND c <= $1",
        ("now", "ids"),
    )


def test_values_follow_the_numbers_whatever_order_they_are_given_in() -> None:
    statement, values = named("SELECT :b, :a, :b", {"a": 1, "b": 2, "unused": 3})
    assert statement == "SELECT $1, $2, $1"
    assert values == [2, 1]
