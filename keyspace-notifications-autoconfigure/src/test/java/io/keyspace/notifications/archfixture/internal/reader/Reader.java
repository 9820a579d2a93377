package io.keyspace.notifications.archfixture.internal.reader;

import io.keyspace.notifications.archfixture.internal.engine.Engine;

/** A second engine package, depending on the first one way. */
public final class Reader {

	public Object read(Engine engine) {
		return engine.next();
	}

}
