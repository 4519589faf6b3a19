"""The embedded local stack behind `make run`: moto as the AWS, pymap as the mailbox, a gateway."""
