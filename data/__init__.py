"""Input pipelines: MNIST digit sources, digit-sequence datasets, arithmetic generators."""
