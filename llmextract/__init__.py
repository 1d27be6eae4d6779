"""llmextract: typed, source-grounded records of military strikes from news articles."""
