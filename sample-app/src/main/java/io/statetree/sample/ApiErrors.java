package io.statetree.sample;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns invalid input into {@code 400 Bad Request} answers that say what was wrong. Everything
 * else (a storage failure, say) stays a {@code 500}.
 */
@RestControllerAdvice(assignableTypes = { UserApi.class, FlagApi.class, StateApi.class })
class ApiErrors {

	@ExceptionHandler({ IllegalArgumentException.class, InvalidPathException.class, StateValueException.class,
			StateWriteException.class })
	ProblemDetail invalidInput(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

}
