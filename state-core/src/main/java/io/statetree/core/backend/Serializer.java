package io.statetree.core.backend;

import org.jspecify.annotations.Nullable;

/**
 * Turns model values into file contents and back, for {@link FileSystemBackend}.
 * <p>
 * Implementations must be thread-safe and must round-trip every model value (see
 * {@link StateValues}): {@code read(write(v))} is {@link StateValues#equal equal} to {@code v}.
 * Built-in: {@link #json()} (the default) and {@link #yaml()}.
 */
public interface Serializer {

	/**
	 * Returns the file extension, without the dot.
	 * @return e.g. {@code "json"}; ASCII letters and digits only
	 */
	String extension();

	/**
	 * Serializes a model value.
	 * @param value an immutable model value (a branch, an array or a scalar), never {@code null}
	 * @return the file's bytes
	 */
	byte[] write(Object value);

	/**
	 * Parses file contents into a model value (through {@link StateValues#fromJson}).
	 * @param bytes the file's bytes
	 * @return the immutable value; {@code null} when the document holds no value
	 * @throws RuntimeException if the bytes cannot be parsed; the backend reports the file, and
	 * never the exception's message or cause (parsers quote the offending text, which may be a
	 * secret), only its class
	 */
	@Nullable Object read(byte[] bytes);

	/**
	 * Returns the JSON serializer: pretty-printed UTF-8 JSON, extension {@code json}.
	 * @return the shared instance
	 */
	static Serializer json() {
		return JsonSerializer.INSTANCE;
	}

	/**
	 * Returns the YAML serializer, extension {@code yaml}.
	 * @return a YAML serializer
	 * @throws IllegalStateException if {@code tools.jackson.dataformat:jackson-dataformat-yaml} is
	 * not on the classpath
	 */
	static Serializer yaml() {
		return new YamlSerializer();
	}

}
