"""The loyalty tab (客户忠诚度): the source's ten loyalty KPIs for a period."""
