package io.keyspace.sample.localredis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisServerBinaryTest {

	@TempDir
	Path dir;

	@Test
	void resourceNamesMatchTheEmbeddedRedisJar() {
		assertThat(RedisServerBinary.embeddedResourceName("Linux", "amd64")).isEqualTo("redis-server-7.0.15-linux-amd64");
		assertThat(RedisServerBinary.embeddedResourceName("Linux", "aarch64")).isEqualTo("redis-server-7.0.15-linux-arm64");
		assertThat(RedisServerBinary.embeddedResourceName("Mac OS X", "x86_64"))
			.isEqualTo("redis-server-7.0.15-darwin-amd64");
		assertThat(RedisServerBinary.embeddedResourceName("Windows 11", "amd64")).isNull();
	}

	@Test
	void anExecutableOnThePathWins() throws IOException {
		Path bin = Files.createDirectories(this.dir.resolve("bin"));
		Path fake = Files.writeString(bin.resolve("redis-server"), "#!/bin/sh\n");
		fake.toFile().setExecutable(true);

		RedisServerBinary found = RedisServerBinary.find(null, null, bin.toString(), getClass().getClassLoader(),
				this.dir);

		assertThat(found.path()).isEqualTo(fake);
		assertThat(found.source()).isEqualTo("PATH");
	}

	@Test
	void withoutAPathEntryTheEmbeddedBinaryIsExtracted() {
		RedisServerBinary found = RedisServerBinary.find(null, null, "", getClass().getClassLoader(), this.dir);

		assertThat(found.source()).startsWith("embedded-redis jar");
		assertThat(found.path()).startsWith(this.dir).isExecutable();
	}

	@Test
	void nothingFoundNamesWhatToDo() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServerBinary.find(null, null, "", null, this.dir))
			.withMessageContaining("No redis-server binary found")
			.withMessageContaining("spring.data.redis.host/port");
	}

	@Test
	void anExplicitPathMustBeExecutable() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RedisServerBinary.find(this.dir.resolve("missing").toString(), null, null, null, this.dir))
			.withMessageContaining("sample.local-redis.binary");
	}

}
