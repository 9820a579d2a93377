package io.keyspace.sample.localredis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds a {@code redis-server} to run: an explicit path, else {@code REDIS_SERVER}, else
 * {@code redis-server} on the PATH, else the static build inside the
 * {@code org.signal:embedded-redis} jar (extracted into the server's own directory). The
 * same order as the project's test infrastructure, so the sample and the tests agree on
 * which binary a machine uses.
 *
 * @param path the executable
 * @param source where it was found, for the log
 */
public record RedisServerBinary(Path path, String source) {

	/** Environment variable naming an explicit binary, as in the project's tests. */
	public static final String ENV_VARIABLE = "REDIS_SERVER";

	/** Version of the static binaries in embedded-redis 0.9.1 (part of their resource names). */
	static final String EMBEDDED_VERSION = "7.0.15";

	/**
	 * @param explicit a configured path, or {@code null}
	 * @param extractInto where to put the embedded binary if it is needed
	 * @throws IllegalStateException naming every place that was tried
	 */
	public static RedisServerBinary find(String explicit, Path extractInto) {
		return find(explicit, System.getenv(ENV_VARIABLE), System.getenv("PATH"),
				RedisServerBinary.class.getClassLoader(), extractInto);
	}

	static RedisServerBinary find(String explicit, String envValue, String pathVariable, ClassLoader loader,
			Path extractInto) {
		if (explicit != null && !explicit.isBlank()) {
			return executable(explicit, "sample.local-redis.binary");
		}
		if (envValue != null && !envValue.isBlank()) {
			return executable(envValue, ENV_VARIABLE);
		}
		List<String> tried = new ArrayList<>();
		if (pathVariable != null) {
			for (String dir : pathVariable.split(File.pathSeparator)) {
				Path candidate = dir.isEmpty() ? null : Path.of(dir, "redis-server");
				if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return new RedisServerBinary(candidate, "PATH");
				}
			}
		}
		tried.add("redis-server on the PATH: not found");
		String resource = embeddedResourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
		if (resource == null) {
			tried.add("embedded-redis: no binary for " + System.getProperty("os.name") + "/"
					+ System.getProperty("os.arch"));
		}
		else if (loader == null || loader.getResource(resource) == null) {
			tried.add("embedded-redis: " + resource + " is not on the class path");
		}
		else {
			return new RedisServerBinary(extract(loader, resource, extractInto.resolve("redis-server")),
					"embedded-redis jar, " + resource);
		}
		throw new IllegalStateException("No redis-server binary found (" + String.join("; ", tried)
				+ "). Install redis-server, set " + ENV_VARIABLE + "=/path/to/redis-server, or point "
				+ "spring.data.redis.host/port at a running Redis with notify-keyspace-events enabled.");
	}

	/** The embedded jar's resource for this platform, or {@code null} if it has none. */
	static String embeddedResourceName(String osName, String osArch) {
		String name = osName.toLowerCase(Locale.ROOT);
		String os = name.contains("linux") ? "linux" : (name.contains("mac") || name.contains("darwin")) ? "darwin" : null;
		String cpu = switch (osArch.toLowerCase(Locale.ROOT)) {
			case "amd64", "x86_64" -> "amd64";
			case "aarch64", "arm64" -> "arm64";
			case "x86", "i386", "i486", "i586", "i686" -> "386";
			default -> null;
		};
		if (os == null || cpu == null || (os.equals("darwin") && cpu.equals("386"))) {
			return null;
		}
		return "redis-server-" + EMBEDDED_VERSION + "-" + os + "-" + cpu;
	}

	private static RedisServerBinary executable(String value, String source) {
		Path path = Path.of(value);
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw new IllegalStateException(source + "=" + value + " is not an executable file");
		}
		return new RedisServerBinary(path, source);
	}

	private static Path extract(ClassLoader loader, String resource, Path target) {
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Cannot read " + resource + " from the class path");
			}
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			if (!target.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("Cannot make " + target + " executable");
			}
			return target;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot extract " + resource + " to " + target + ": " + ex.getMessage(), ex);
		}
	}

}
