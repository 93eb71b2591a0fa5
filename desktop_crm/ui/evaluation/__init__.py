"""The evaluation tab (客户评估): scoring form, scheme editor, charts and the
lazy list of clients with their grades."""
