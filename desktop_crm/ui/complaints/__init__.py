"""The complaints tab (投诉): the filtered list, the form that walks the source's
handling steps, the workflow buttons, the handling log and the status history."""
