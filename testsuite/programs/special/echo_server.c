// Accepts one connection on the listening socket the operator granted
// (descriptor 3, no directories granted), echoes one message upper-cased
// with recv/send, shuts the connection down and exits.
#include <stdio.h>
#include <ctype.h>
#include <unistd.h>
#include <sys/socket.h>
int main(void) {
  int conn = accept(3, NULL, NULL);
  if (conn < 0) { perror("accept"); return 1; }
  char buf[256];
  ssize_t n = recv(conn, buf, sizeof buf, 0);
  if (n < 0) { perror("recv"); return 1; }
  for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
  if (send(conn, buf, n, 0) != n) { perror("send"); return 1; }
  shutdown(conn, SHUT_RDWR);
  close(conn);
  printf("echoed %zd bytes\n", n);
  return 0;
}
