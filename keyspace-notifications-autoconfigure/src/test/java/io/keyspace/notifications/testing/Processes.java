package io.keyspace.notifications.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * JVM-wide bookkeeping for the servers this JVM starts: the live child processes (killed by
 * a shutdown hook, so no redis-server outlives the test run), the per-JVM temp directory,
 * and the ports handed out (so a stopped server's port is not given to another server of
 * this JVM before it restarts).
 */
final class Processes {

	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	private static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();

	private static Path baseDir;

	private Processes() {
	}

	static void register(Process process) {
		LIVE.add(process);
	}

	static void unregister(Process process) {
		LIVE.remove(process);
	}

	/** A new directory under this JVM's own temp directory. */
	static synchronized Path newDirectory(String prefix) {
		try {
			if (baseDir == null) {
				// One directory per JVM: parallel builds on the same machine never share files.
				baseDir = Files.createTempDirectory("keyspace-redis-" + ProcessHandle.current().pid() + "-");
				Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "redis-server-cleanup"));
			}
			return Files.createTempDirectory(baseDir, prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temp directory for redis-server", ex);
		}
	}

	/** Reserves {@code port}, or a free loopback port if it is 0. */
	static int reservePort(int port) {
		if (port != 0) {
			PORTS.add(port);
			return port;
		}
		for (int attempt = 0; attempt < 100; attempt++) {
			int candidate = freePort();
			if (PORTS.add(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("No free loopback port found");
	}

	static void releasePort(int port) {
		if (port != 0) {
			PORTS.remove(port);
		}
	}

	static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// Best effort: a leftover temp file must not fail a test.
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(RedisServer.HOST), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find a free loopback port", ex);
		}
	}

	private static void killAll() {
		LIVE.forEach(Process::destroyForcibly);
		for (Process process : LIVE) {
			try {
				process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		Path dir;
		synchronized (Processes.class) {
			dir = baseDir;
		}
		if (dir != null) {
			deleteRecursively(dir);
		}
	}

}
