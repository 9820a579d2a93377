package io.keyspace.sample.localredis;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;
import redis.embedded.util.OSDetector;

/**
 * Starts the sample's throw-away {@code redis-server} with the {@code org.signal:embedded-redis}
 * library: loopback only, a free port, no persistence, keyspace notifications on. The binary
 * is {@code sample.local-redis.binary}, else {@code REDIS_SERVER}, else {@code redis-server} on
 * the PATH (so a newer local Redis is preferred), else the static build inside the
 * embedded-redis jar.
 */
final class LocalRedis {

	/** embedded-redis binds here by default; the sample never exposes Redis on the network. */
	static final String HOST = "127.0.0.1";

	/** Every event class: the sample shows set, del, expire and expired. */
	static final String NOTIFY_KEYSPACE_EVENTS = "KEA";

	static final String ENV_VARIABLE = "REDIS_SERVER";

	private static final String FIX = "Install redis-server, set " + ENV_VARIABLE + "=/path/to/redis-server, or "
			+ "point spring.data.redis.host/port at a running Redis with notify-keyspace-events enabled.";

	private LocalRedis() {
	}

	/**
	 * Starts a server and waits until it accepts connections.
	 * @param binary the executable, or {@code null} for the one inside the embedded-redis jar
	 */
	static RedisServer start(Path binary) {
		RedisExecProvider executables = RedisExecProvider.defaultProvider();
		if (binary != null) {
			executables.override(OSDetector.getOS(), binary.toString());
		}
		// A free port can be taken by someone else before redis-server binds it: retry then.
		for (int attempt = 1;; attempt++) {
			RedisServer server;
			try {
				server = RedisServer.builder()
					.redisExecProvider(executables)
					.port(freePort())
					.setting("notify-keyspace-events " + NOTIFY_KEYSPACE_EVENTS)
					.setting("save \"\"")
					.setting("appendonly no")
					.build();
				server.start();
				return server;
			}
			catch (RuntimeException ex) {
				if (attempt >= 3 || !String.valueOf(ex.getMessage()).contains("Address already in use")) {
					throw new IllegalStateException("Cannot start a local redis-server ("
							+ ((binary != null) ? binary : "embedded-redis " + RedisExecProvider.redisVersion) + "): "
							+ ex.getMessage() + ". " + FIX, ex);
				}
			}
		}
	}

	/**
	 * The binary to run: {@code configured}, else {@code envValue}, else {@code redis-server} in
	 * one of the {@code pathVariable} directories; {@code null} when none is found, meaning
	 * the embedded one.
	 */
	static Path binary(String configured, String envValue, String pathVariable) {
		if (configured != null && !configured.isBlank()) {
			return executable(configured, "sample.local-redis.binary");
		}
		if (envValue != null && !envValue.isBlank()) {
			return executable(envValue, ENV_VARIABLE);
		}
		for (String dir : (pathVariable != null) ? pathVariable.split(File.pathSeparator) : new String[0]) {
			Path candidate = dir.isEmpty() ? null : Path.of(dir, "redis-server");
			if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static Path executable(String value, String source) {
		Path path = Path.of(value);
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw new IllegalStateException(source + "=" + value + " is not an executable file. " + FIX);
		}
		return path;
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

}
