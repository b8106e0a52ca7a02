"""Field types the API's answers share."""

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

from patron.money import amount_text

# An amount of money, written as the amount columns hold it: rounded half-up by
# patron.money.cents, with its two places ("72.56", "500.00", never "72.5600000000000" as
# a sum on SQLite gives it). Rates and quantities are not money and stay Decimal.
Money = Annotated[Decimal, PlainSerializer(amount_text, return_type=str)]
