import net from 'node:net';

/**
 * Why a server could not listen on host:port right now (EADDRINUSE, EACCES, …), found by
 * listening there for a moment; undefined when it could. Lets a launcher name the setting to
 * change before it starts anything, instead of a child process failing later with a bare errno.
 */
export function listenProblem(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** One line that names the variable to change, for a problem found by `listenProblem`. */
export function describeListenProblem(
  port: number,
  variable: string,
  problem: string,
  alternative = '',
): string {
  if (problem === 'EADDRINUSE')
    return `port ${port} (${variable}) is in use by another program: set ${variable} to a free port${alternative}, or stop that program`;
  if (problem === 'EACCES')
    return `port ${port} (${variable}) needs privileges on this machine: set ${variable} to a port above 1023${alternative}`;
  return `cannot listen on port ${port} (${variable}): ${problem}; set ${variable} to another port${alternative}`;
}
