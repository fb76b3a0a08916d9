"""English (Canada) formats: one way to write a date, a time and a number on every page.

Times are on the 24-hour clock, as on a ward's whiteboard and in the hospital's records.
"""

DATE_FORMAT = "F j, Y"  # December 1, 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "F j, Y, H:i"
MONTH_DAY_FORMAT = "D, F j"  # Tue, December 1 (a day this week or next)
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"  # ISO in tables and exports, as Canadian hospitals write it
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
