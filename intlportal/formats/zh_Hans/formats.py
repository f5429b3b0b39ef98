"""Chinese number formats as an office writes amounts (¥750,000.07): Django's own zh_Hans sets no
thousands separator; financial documents in mainland China group by three with a comma."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = "."
