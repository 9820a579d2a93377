package io.keyspace.notifications.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Locates the {@code redis-server} binary the tests run: {@code REDIS_SERVER}, else
 * {@code redis-server} on the PATH, else the static build shipped in the
 * {@code org.signal:embedded-redis} jar. A missing binary is an error, never a skip: a
 * silently skipped integration test would hide exactly the bugs these tests exist for.
 */
public final class RedisBinary {

	/** Environment variable that names an explicit binary. */
	public static final String ENV_VARIABLE = "REDIS_SERVER";

	/** Version of the static binaries inside embedded-redis 0.9.1 (part of their resource names). */
	static final String EMBEDDED_VERSION = "7.0.15";

	private static final String FIX = "Fix: install redis-server (apt-get install redis-server), or set "
			+ ENV_VARIABLE + "=/path/to/redis-server";

	private static final Pattern VERSION = Pattern.compile("v=(\\d+(?:\\.\\d+)*)");

	private static volatile Path resolved;

	private static volatile String resolvedVersion;

	// Extracted once per JVM: every server started by this JVM shares the one copy.
	private static Path extracted;

	private RedisBinary() {
	}

	/** The binary to run, resolved once per JVM. */
	public static Path path() {
		Path path = resolved;
		if (path == null) {
			synchronized (RedisBinary.class) {
				if (resolved == null) {
					resolved = find(System.getenv(ENV_VARIABLE), System.getenv("PATH"),
							RedisBinary.class.getClassLoader());
				}
				path = resolved;
			}
		}
		return path;
	}

	/** Version of {@link #path()}, e.g. {@code "7.0.15"}, from {@code redis-server --version}. */
	public static String version() {
		String version = resolvedVersion;
		if (version == null) {
			version = version(path());
			resolvedVersion = version;
		}
		return version;
	}

	/** Whether {@link #version()} is at least {@code major.minor}, e.g. to gate Redis 8.8 features. */
	public static boolean isAtLeast(int major, int minor) {
		String[] parts = version().split("\\.");
		int actualMajor = Integer.parseInt(parts[0]);
		int actualMinor = (parts.length > 1) ? Integer.parseInt(parts[1]) : 0;
		return (actualMajor != major) ? actualMajor > major : actualMinor >= minor;
	}

	/** Runs {@code binary --version} and returns the {@code v=} part. */
	static String version(Path binary) {
		String output;
		try {
			Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(binary + " --version did not exit within 10 s");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + binary + " --version: " + ex.getMessage() + ". " + FIX, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + binary + " --version", ex);
		}
		Matcher matcher = VERSION.matcher(output);
		if (!matcher.find()) {
			throw new IllegalStateException("Unexpected output of " + binary + " --version: " + output);
		}
		return matcher.group(1);
	}

	/**
	 * The lookup itself, with its inputs as parameters so tests can exercise each source
	 * alone: a {@code null} {@code pathVariable} disables the PATH lookup, a {@code null}
	 * {@code loader} disables the embedded fallback.
	 */
	static Path find(String envValue, String pathVariable, ClassLoader loader) {
		if (envValue != null && !envValue.isBlank()) {
			Path explicit = Path.of(envValue);
			if (!Files.isRegularFile(explicit) || !Files.isExecutable(explicit)) {
				throw new IllegalStateException(ENV_VARIABLE + "=" + envValue
						+ " does not name an executable file. Point " + ENV_VARIABLE
						+ " at a redis-server binary, or unset it to use redis-server from the PATH.");
			}
			return explicit;
		}
		List<String> tried = new ArrayList<>();
		tried.add(ENV_VARIABLE + " (not set)");
		if (pathVariable != null) {
			Path onPath = findOnPath(pathVariable);
			if (onPath != null) {
				return onPath;
			}
			tried.add("redis-server on PATH (" + pathVariable + "): not found");
		}
		else {
			tried.add("redis-server on PATH: lookup disabled");
		}
		String resource = embeddedResourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
		if (resource == null) {
			tried.add("embedded-redis binary: none for os.name=" + System.getProperty("os.name") + ", os.arch="
					+ System.getProperty("os.arch"));
		}
		else if (loader == null || loader.getResource(resource) == null) {
			tried.add("embedded-redis binary " + resource
					+ ": not on the classpath (test dependency org.signal:embedded-redis)");
		}
		else {
			return extractEmbedded(loader, resource);
		}
		throw new IllegalStateException("No redis-server binary found. Tried: " + String.join("; ", tried) + ". " + FIX);
	}

	/** Resource name of the embedded binary for this platform, or {@code null} if there is none. */
	static String embeddedResourceName(String osName, String osArch) {
		String name = osName.toLowerCase(Locale.ROOT);
		String arch = osArch.toLowerCase(Locale.ROOT);
		String os = name.contains("linux") ? "linux"
				: (name.contains("mac") || name.contains("darwin")) ? "darwin" : null;
		String cpu = switch (arch) {
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

	private static Path findOnPath(String pathVariable) {
		for (String dir : pathVariable.split(File.pathSeparator)) {
			if (dir.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(dir, "redis-server");
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static synchronized Path extractEmbedded(ClassLoader loader, String resource) {
		if (extracted != null && Files.isExecutable(extracted)) {
			return extracted;
		}
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Cannot read " + resource + " from the classpath. " + FIX);
			}
			Path target = Files.createTempFile(resource + "-", "");
			target.toFile().deleteOnExit();
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			if (!target.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("Cannot make " + target + " executable. " + FIX);
			}
			extracted = target;
			return target;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot extract " + resource + " to a temp file: " + ex.getMessage()
					+ ". " + FIX, ex);
		}
	}

}
