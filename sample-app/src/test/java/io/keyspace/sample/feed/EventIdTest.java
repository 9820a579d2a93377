package io.keyspace.sample.feed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdTest {

	@Test
	void writtenAndReadBack() {
		EventId id = new EventId("3f2a9c1e", 42);
		assertThat(id).hasToString("3f2a9c1e-42");
		assertThat(EventId.parse(id.toString())).contains(id);
	}

	@Test
	void anythingElseIsNotOneOfOurs() {
		assertThat(EventId.parse(null)).isEmpty();
		assertThat(EventId.parse("42")).isEmpty(); // an id from before ids had an epoch
		assertThat(EventId.parse("-42")).isEmpty();
		assertThat(EventId.parse("3f2a9c1e-")).isEmpty();
		assertThat(EventId.parse("3f2a9c1e-x")).isEmpty();
	}

}
