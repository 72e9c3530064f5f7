"""Django's SQLite backend, reading decimals defensively.

SQLite stores whatever it is given: a value too large for its column (written by an earlier version that
did not bound its input) would make Django's converter raise on every read, taking down every page that
lists the row. Here such a value is read as it is, and `manage.py find_bad_values` lists it for repair.
"""

from decimal import Decimal, InvalidOperation

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        convert = super().get_decimalfield_converter(expression)

        def converter(value, expression, connection):
            try:
                return convert(value, expression, connection)
            except (InvalidOperation, TypeError, ValueError):
                try:
                    return Decimal(str(value))
                except InvalidOperation:
                    return None

        return converter

    def execute_sql_flush(self, sql_list):
        # Flushing (tests, `manage.py flush`) empties every table, append-only ones included: their triggers
        # let a delete through while fugong_flushing() says so (fugong/security/migrations/0002_append_only).
        self.connection.flushing = True  # type: ignore[attr-defined]
        try:
            super().execute_sql_flush(sql_list)
        finally:
            self.connection.flushing = False  # type: ignore[attr-defined]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    flushing = False

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        conn.create_function("fugong_flushing", 0, lambda: int(self.flushing), deterministic=False)
        return conn
