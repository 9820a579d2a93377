package io.keyspace.sample.demo;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.keyspace.sample.catalog.ProductRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.RedisConnectionFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

class DemoWriterTest {

	private final ProductRepository repository = mock(ProductRepository.class);

	private final DemoWriter writer = new DemoWriter(this.repository, Duration.ofSeconds(8));

	private final Logger logger = (Logger) LoggerFactory.getLogger(DemoWriter.class);

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	@BeforeEach
	void captureLogs() {
		this.logs.start();
		this.logger.addAppender(this.logs);
	}

	@AfterEach
	void stopCapturing() {
		this.logger.detachAppender(this.logs);
	}

	@Test
	void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
		doThrow(new RedisConnectionFailureException("Connection refused")).when(this.repository).save(any(), any());
		this.writer.start();
		this.writer.tick();
		this.writer.tick();
		assertThat(lines()).containsExactly("WARN Demo writer cannot write to Redis (Connection refused); it keeps trying "
				+ "every tick and logs again when Redis is back");

		doNothing().when(this.repository).save(any(), any());
		this.logs.list.clear();
		this.writer.tick();
		this.writer.tick();

		// The first write that succeeds is the seeding the outage had held up.
		assertThat(lines()).satisfiesExactly(
				(seeded) -> assertThat(seeded).startsWith("INFO Demo writer seeded 5 products"),
				(back) -> assertThat(back).matches("INFO Demo writer: Redis is back after \\d+ s; writing again"));
	}

	@Test
	void aPausedWriterLeavesRedisAlone() {
		this.writer.start();
		clearInvocations(this.repository);

		this.writer.setPaused(true);
		this.writer.tick();

		verifyNoInteractions(this.repository);
		assertThat(this.writer.isPaused()).isTrue();
	}

	private List<String> lines() {
		return this.logs.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.INFO))
			.map((event) -> event.getLevel() + " " + event.getFormattedMessage())
			.toList();
	}

}
