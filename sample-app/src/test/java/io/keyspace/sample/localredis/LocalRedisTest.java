package io.keyspace.sample.localredis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Which redis-server the sample runs. */
class LocalRedisTest {

	@TempDir
	Path dir;

	@Test
	void anExecutableOnThePathIsUsed() throws IOException {
		Path bin = Files.createDirectories(this.dir.resolve("bin"));
		Path fake = executable(bin.resolve("redis-server"));

		assertThat(LocalRedis.binary(null, null, this.dir.resolve("empty") + File.pathSeparator + bin)).isEqualTo(fake);
	}

	@Test
	void theEnvironmentVariableWinsOverThePathAndTheConfiguredBinaryOverBoth() throws IOException {
		Path bin = Files.createDirectories(this.dir.resolve("bin"));
		executable(bin.resolve("redis-server"));
		Path fromEnv = executable(this.dir.resolve("env-redis"));
		Path configured = executable(this.dir.resolve("configured-redis"));

		assertThat(LocalRedis.binary(null, fromEnv.toString(), bin.toString())).isEqualTo(fromEnv);
		assertThat(LocalRedis.binary(configured.toString(), fromEnv.toString(), bin.toString())).isEqualTo(configured);
	}

	@Test
	void nothingFoundMeansTheEmbeddedBinary() {
		assertThat(LocalRedis.binary(null, null, this.dir.toString())).isNull();
		assertThat(LocalRedis.binary("", " ", null)).isNull();
	}

	@Test
	void aNamedBinaryMustBeExecutableAndTheMessageSaysWhoNamedIt() {
		String missing = this.dir.resolve("missing").toString();
		assertThatIllegalStateException().isThrownBy(() -> LocalRedis.binary(missing, null, null))
			.withMessageContaining("sample.local-redis.binary=" + missing)
			.withMessageContaining("spring.data.redis.host/port");
		assertThatIllegalStateException().isThrownBy(() -> LocalRedis.binary(null, missing, null))
			.withMessageContaining("REDIS_SERVER=" + missing);
	}

	private static Path executable(Path path) throws IOException {
		Files.writeString(path, "#!/bin/sh\n");
		assertThat(path.toFile().setExecutable(true)).isTrue();
		return path;
	}

}
