# Django's zh-Hans locale groups no digits; officials read 1,065,116 more easily than 1065116.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
