package io.keyspace.notifications;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The core can be used without Spring: none of its packages may import it. */
class CorePackagesTest {

	private static final Path SOURCES = Path.of("src/main/java/io/keyspace/notifications");

	@ParameterizedTest
	@ValueSource(strings = { "", "channel", "reader", "match", "dispatch", "cluster" })
	void importNothingFromSpring(String packageDirectory) throws IOException {
		Path directory = SOURCES.resolve(packageDirectory);
		assertThat(directory).isDirectory();
		List<Path> offenders;
		try (Stream<Path> files = Files.list(directory)) {
			offenders = files.filter((file) -> file.toString().endsWith(".java"))
				.filter((file) -> read(file).contains("import org.springframework"))
				.toList();
		}
		assertThat(offenders).isEmpty();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
