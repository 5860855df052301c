"""Running the dashboard past one process: nginx + replicas (serve.py), a container image, Kubernetes."""
