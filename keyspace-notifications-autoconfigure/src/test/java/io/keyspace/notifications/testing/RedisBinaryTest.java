package io.keyspace.notifications.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Each lookup source on its own, through the package-private {@code find} hook, so the
 * embedded fallback is proven even on a machine that has redis-server on the PATH.
 */
class RedisBinaryTest {

	private static final ClassLoader NOTHING = new ClassLoader(null) {
	};

	@TempDir
	Path tmp;

	@Test
	void extractsAndRunsTheEmbeddedBinaryWhenPathLookupIsDisabled() {
		Path binary = RedisBinary.find(null, null, getClass().getClassLoader());

		assertThat(binary.getFileName().toString()).startsWith("redis-server-" + RedisBinary.EMBEDDED_VERSION + "-");
		assertThat(Files.isExecutable(binary)).isTrue();
		assertThat(RedisBinary.version(binary)).isEqualTo(RedisBinary.EMBEDDED_VERSION);
		// Once per JVM: a second lookup reuses the extracted file.
		assertThat(RedisBinary.find(null, null, getClass().getClassLoader())).isEqualTo(binary);
	}

	@Test
	void prefersRedisServerFromThePath() throws IOException {
		Path empty = Files.createDirectory(this.tmp.resolve("empty"));
		Path bin = Files.createDirectory(this.tmp.resolve("bin"));
		Path fake = executable(bin.resolve("redis-server"));

		Path found = RedisBinary.find(null, empty + java.io.File.pathSeparator + bin, getClass().getClassLoader());

		assertThat(found).isEqualTo(fake);
	}

	@Test
	void skipsANonExecutableFileOnThePath() throws IOException {
		Path bin = Files.createDirectory(this.tmp.resolve("bin"));
		Files.writeString(bin.resolve("redis-server"), "not executable");

		assertThatIllegalStateException().isThrownBy(() -> RedisBinary.find(null, bin.toString(), NOTHING))
			.withMessageContaining("redis-server on PATH (" + bin + "): not found");
	}

	@Test
	void explicitVariableWinsAndMustNameAnExecutable() throws IOException {
		Path fake = executable(this.tmp.resolve("my-redis"));
		assertThat(RedisBinary.find(fake.toString(), "/usr/bin:/bin", NOTHING)).isEqualTo(fake);

		Path missing = this.tmp.resolve("missing");
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisBinary.find(missing.toString(), "/usr/bin:/bin", getClass().getClassLoader()))
			.withMessageContaining("REDIS_SERVER=" + missing)
			.withMessageContaining("does not name an executable file");
	}

	@Test
	void failsWithWhatWasTriedAndHowToFixIt() {
		assertThatIllegalStateException().isThrownBy(() -> RedisBinary.find(null, "", NOTHING))
			.withMessageContaining("REDIS_SERVER (not set)")
			.withMessageContaining("redis-server on PATH")
			.withMessageContaining("not on the classpath (test dependency org.signal:embedded-redis)")
			.withMessageContaining("install redis-server (apt-get install redis-server), or set "
					+ "REDIS_SERVER=/path/to/redis-server");
	}

	@Test
	void mapsPlatformsToTheEmbeddedResources() {
		assertThat(RedisBinary.embeddedResourceName("Linux", "amd64")).isEqualTo("redis-server-7.0.15-linux-amd64");
		assertThat(RedisBinary.embeddedResourceName("Linux", "aarch64")).isEqualTo("redis-server-7.0.15-linux-arm64");
		assertThat(RedisBinary.embeddedResourceName("Linux", "i386")).isEqualTo("redis-server-7.0.15-linux-386");
		assertThat(RedisBinary.embeddedResourceName("Mac OS X", "aarch64")).isEqualTo("redis-server-7.0.15-darwin-arm64");
		assertThat(RedisBinary.embeddedResourceName("Mac OS X", "x86_64")).isEqualTo("redis-server-7.0.15-darwin-amd64");
		assertThat(RedisBinary.embeddedResourceName("Windows 11", "amd64")).isNull();
		assertThat(RedisBinary.embeddedResourceName("Linux", "s390x")).isNull();
	}

	@Test
	void reportsTheVersionOfTheBinaryInUse() {
		assertThat(RedisBinary.version()).matches("\\d+\\.\\d+\\.\\d+");
		assertThat(RedisBinary.isAtLeast(2, 8)).isTrue();
		assertThat(RedisBinary.isAtLeast(99, 0)).isFalse();
	}

	private static Path executable(Path file) throws IOException {
		Files.writeString(file, "#!/bin/sh\necho 'Redis server v=9.9.9 sha=0'\n");
		Files.setPosixFilePermissions(file, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
				java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
				java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));
		return file;
	}

}
