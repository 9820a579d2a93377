package io.keyspace.sample.localredis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A throw-away {@code redis-server} process for the sample: loopback only, a free port, no
 * persistence, keyspace notifications on ({@code notify-keyspace-events KEA}). Its config,
 * log and (if needed) the extracted binary live in one temp directory that {@link #close()}
 * deletes.
 */
public final class LocalRedisServer implements AutoCloseable {

	public static final String HOST = "127.0.0.1";

	/** Every event class: the sample shows set, del, expire and expired. */
	public static final String NOTIFY_KEYSPACE_EVENTS = "KEA";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private final RedisServerBinary binary;

	private final Path dir;

	private final Process process;

	private final int port;

	private final String version;

	private boolean closed;

	private LocalRedisServer(RedisServerBinary binary, Path dir, Process process, int port, String version) {
		this.binary = binary;
		this.dir = dir;
		this.process = process;
		this.port = port;
		this.version = version;
	}

	/**
	 * Starts a server and waits until it answers PING.
	 * @param explicitBinary a configured binary path, or {@code null} to search
	 * @throws IllegalStateException if no binary is found or the server does not come up;
	 * the message includes the end of the server log
	 */
	public static LocalRedisServer start(String explicitBinary) {
		Path dir = createDirectory();
		try {
			RedisServerBinary binary = RedisServerBinary.find(explicitBinary, dir);
			// A free port can be taken by someone else before redis-server binds it: retry then.
			for (int attempt = 1;; attempt++) {
				int port = freePort();
				Process process = launch(binary, dir, port);
				try {
					String version = awaitPing(process, port, dir);
					return new LocalRedisServer(binary, dir, process, port, version);
				}
				catch (IllegalStateException ex) {
					process.destroyForcibly();
					if (attempt >= 3 || !log(dir).contains("Address already in use")) {
						throw ex;
					}
				}
			}
		}
		catch (RuntimeException ex) {
			deleteRecursively(dir);
			throw ex;
		}
	}

	public String host() {
		return HOST;
	}

	public int port() {
		return this.port;
	}

	public RedisServerBinary binary() {
		return this.binary;
	}

	/** The server's {@code redis_version}. */
	public String version() {
		return this.version;
	}

	public synchronized boolean isRunning() {
		return !this.closed && this.process.isAlive();
	}

	/** Stops the process (SIGTERM, then SIGKILL) and deletes its directory. Idempotent. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.process.destroy(); // SIGTERM: redis-server exits at once, and with no persistence writes nothing
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		deleteRecursively(this.dir);
	}

	@Override
	public String toString() {
		return "redis-server " + this.version + " on " + HOST + ":" + this.port + " (" + this.binary.path() + ", from "
				+ this.binary.source() + ")";
	}

	private static Process launch(RedisServerBinary binary, Path dir, int port) {
		Path config = dir.resolve("redis.conf");
		List<String> lines = List.of("port " + port, "bind " + HOST, "dir \"" + dir.toAbsolutePath() + "\"",
				"daemonize no", "logfile \"\"", "save \"\"", "appendonly no",
				"notify-keyspace-events " + NOTIFY_KEYSPACE_EVENTS);
		try {
			Files.write(config, lines, StandardCharsets.UTF_8);
			return new ProcessBuilder(binary.path().toString(), config.toString()).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + binary.path() + ": " + ex.getMessage(), ex);
		}
	}

	private static String awaitPing(Process process, int port, Path dir) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		String last = "no answer";
		while (System.nanoTime() - deadline < 0) {
			if (!process.isAlive()) {
				throw new IllegalStateException("redis-server exited with code " + process.exitValue()
						+ " during startup. Its log:\n" + log(dir));
			}
			try (Jedis jedis = new Jedis(HOST, port, 500)) {
				if ("PONG".equals(jedis.ping())) {
					return jedis.info("server")
						.lines()
						.filter((line) -> line.startsWith("redis_version:"))
						.map((line) -> line.substring("redis_version:".length()).trim())
						.findFirst()
						.orElse("?");
				}
			}
			catch (JedisException ex) {
				last = ex.getMessage();
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
				+ STARTUP_TIMEOUT.toSeconds() + " s (" + last + "). Its log:\n" + log(dir));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find a free loopback port", ex);
		}
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("keyspace-sample-redis-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a temp directory for redis-server", ex);
		}
	}

	private static String log(Path dir) {
		try {
			List<String> lines = Files.readAllLines(dir.resolve("redis.log"), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static void deleteRecursively(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// best effort: a leftover temp directory is harmless
		}
	}

}
