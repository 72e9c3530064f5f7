import pytest

from fugong.core.text import mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        # Four stars whatever the length: the mask does not tell how long the number is.
        ("0472-5123456", "047****3456"),
        (" 13812341234 ", "138****1234"),
        ("12345678", "123****5678"),
        ("1234567", "****67"),
        ("12", "****12"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_keeps_three_digits_in_front_and_four_behind(phone, masked):
    assert mask_phone(phone) == masked
