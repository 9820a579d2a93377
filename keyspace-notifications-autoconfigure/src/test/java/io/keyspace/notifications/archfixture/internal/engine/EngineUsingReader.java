package io.keyspace.notifications.archfixture.internal.engine;

import io.keyspace.notifications.archfixture.internal.reader.Reader;

/** Violation: closes a cycle between two engine packages ({@code Reader} already uses this one). */
public final class EngineUsingReader {

	public Object read(Reader reader) {
		return reader.read(new Engine());
	}

}
