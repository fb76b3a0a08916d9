"""French formats as Quebecers and Franco-Ontarians write them (Office québécois de la langue
française): "1er décembre 2026", "14 h 30", "7,1 %", a space between thousands.

Django has no format character for the French ordinal "1er"; the date filters in
bridgeway/web/templatetags/dates.py add it to these formats on the first of the month.
"""

DATE_FORMAT = "j F Y"  # 1er décembre 2026
TIME_FORMAT = r"G \h i"  # 14 h 30
DATETIME_FORMAT = r"j F Y, G \h i"
MONTH_DAY_FORMAT = "D j F"  # mar. 1er décembre
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = r"Y-m-d G \h i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
