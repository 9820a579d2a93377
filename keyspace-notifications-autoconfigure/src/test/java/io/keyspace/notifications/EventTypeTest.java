package io.keyspace.notifications;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventTypeTest {

	@Test
	void namesAreTheServersSpelling() {
		assertThat(EventType.SET).isEqualTo("set");
		assertThat(EventType.RENAME_FROM).isEqualTo("rename_from");
		assertThat(EventType.XGROUP_CREATE).isEqualTo("xgroup-create");
		assertThat(EventType.XGROUP_CREATECONSUMER).isEqualTo("xgroup-createconsumer");
		assertThat(EventType.SETIFNE).isEqualTo("setifne");
	}

	// A constant the parser did not intern would cost a String per message and go unnoticed.
	@Test
	void theParserInternsEveryConstant() {
		List<String> constants = EventType.all();
		assertThat(constants).hasSize(86).doesNotHaveDuplicates();
		for (String event : constants) {
			byte[] bytes = event.getBytes(StandardCharsets.US_ASCII);
			assertThat(KnownEvents.constant(KnownEvents.find(bytes, 0, bytes.length))).isSameAs(event);
		}
	}

	@Test
	void onlyTheConstantsAreKnown() {
		assertThat(EventType.all()).allMatch(EventType::isKnown);
		assertThat(EventType.isKnown("json.set")).isFalse();
		assertThat(EventType.isKnown("SET")).isFalse();
	}

}
