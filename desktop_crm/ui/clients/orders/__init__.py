"""The card's Orders page (销售记录): the client's orders, their totals, and
the dialog that adds or edits one."""
