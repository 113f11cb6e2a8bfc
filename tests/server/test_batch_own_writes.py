"""A value a batch wrote itself never hides a colleague's newer one (found in review):
the later changes of the batch are judged by what its first write replaced."""

import pytest

from .wire import change, push

pytestmark = pytest.mark.usefixtures("unchecked_values")


def test_a_second_edit_of_a_field_in_one_batch_meets_the_colleagues_edit(client, alice,
                                                                          carol):
    push(client, alice, change("partner", "p1", "name", "Acme"))  # seq 1
    push(client, carol, change("partner", "p1", "name", "Same", base_seq=1))  # seq 2
    answer = push(client, alice, change("partner", "p1", "name", "Same", base_seq=1),
                  change("partner", "p1", "name", "Alice's", base_seq=1))
    assert answer["results"][1]["status"] == "conflict"


def test_a_delete_and_undelete_in_one_batch_do_not_undo_a_colleagues_deletion(
        client, alice, carol):
    push(client, alice, change("partner", "p1", "name", "Acme"),
         change("partner", "p1", "deleted", 0))  # seqs 1, 2
    push(client, carol, change("partner", "p1", "deleted", 1, base_seq=2))  # seq 3
    answer = push(client, alice, change("partner", "p1", "deleted", 1, base_seq=2),
                  change("partner", "p1", "deleted", 0, base_seq=2),
                  change("partner", "p1", "name", "Acme 2", base_seq=2))
    assert answer["results"][1]["status"] == "conflict"
