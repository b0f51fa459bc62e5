"""One spelling per mailbox (accounts.emails): what makes a seller's address the buyer's own, or one recipient."""

import pytest

from accounts.emails import email_canonical, email_mailbox_key, email_same_mailbox


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("name@example.org", "name@example.org"),
        ("Name@Example.ORG", "name@example.org"),
        ("  name@example.org ", "name@example.org"),
        ("name+shop@example.org", "name@example.org"),
        ("name+shop+more@example.org", "name@example.org"),
        ("first.last@example.org", "first.last@example.org"),  # dots count outside Gmail
        ("First.Last+x@Gmail.com", "firstlast@gmail.com"),
        ("f.i.r.s.t.l.a.s.t@googlemail.com", "firstlast@gmail.com"),
        ("ＮＡＭＥ＠ｅｘａｍｐｌｅ．ｏｒｇ", "name@example.org"),  # full-width forms are the ASCII ones
        ("name@ÉTÉ.fr", "name@xn--t-9fab.fr"),  # Unicode domains, in any case, in IDNA ASCII
        ("name@été.fr", "name@xn--t-9fab.fr"),
        ("name@XN--T-9FAB.fr", "name@xn--t-9fab.fr"),
        ("name@example.org.", "name@example.org"),
        ("Zoé@example.org", "zoé@example.org"),
        ("+tag@example.org", "+tag@example.org"),  # nothing before the tag: the tag is the name
        ("name@localhost", "name@localhost"),
    ],
)
def test_an_address_is_reduced_to_its_mailbox(address, canonical):
    assert email_canonical(address) == canonical


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        42,
        "",
        "   ",
        "no-at-sign",
        "@example.org",
        "name@",
        "a@b@example.org",
        "na me@example.org",
        "name@exa mple.org",
        "name@example..org",
        "name@" + "x" * 64 + ".org",  # a label longer than 63 characters
        "...@gmail.com",
        "\ud800@example.org",  # a lone surrogate
        "name@\x00.org",
    ],
)
def test_anything_else_has_no_mailbox(garbage):
    assert email_canonical(garbage) == ""


def test_two_garbage_values_are_never_one_mailbox():
    assert not email_same_mailbox("", "")
    assert not email_same_mailbox("nonsense", "nonsense")
    assert email_same_mailbox("Name+a@Example.org", "name+b@example.org")
    assert not email_same_mailbox("name@example.org", "name@example.net")
    assert not email_same_mailbox("first.last@example.org", "firstlast@example.org")


def test_a_mailbox_is_counted_by_its_canonical_form_or_by_the_address_itself():
    assert email_mailbox_key(" Jane.Doe+shop@GoogleMail.com ") == "janedoe@gmail.com"
    assert email_mailbox_key("Not An Address") == "not an address"
