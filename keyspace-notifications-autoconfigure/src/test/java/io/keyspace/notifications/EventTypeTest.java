package io.keyspace.notifications;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;

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

	// The parser interns exactly the names in ALL: a constant missing there would cost a String
	// per message and go unnoticed.
	@Test
	void internTableListsEveryConstantOnce() {
		String[] constants = Arrays.stream(EventType.class.getFields())
			.filter((field) -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
			.map(EventTypeTest::value)
			.toArray(String[]::new);
		assertThat(constants).hasSize(82);
		assertThat(EventType.ALL).containsExactlyInAnyOrder(constants).doesNotHaveDuplicates();
	}

	private static String value(Field field) {
		try {
			return (String) field.get(null);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
