"""A small locust user for the benchmark-gate tests: two endpoints, short think time."""
from locust import HttpUser, between, task


class ApiUser(HttpUser):
    wait_time = between(0.05, 0.1)

    @task(2)
    def items(self):
        self.client.get("/api/items")

    @task(1)
    def users(self):
        self.client.get("/api/users")
