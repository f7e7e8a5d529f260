/*
 * junit.h - JUnit XML, the format every CI system reads (Jenkins, GitLab,
 * GitHub test reporters), written through libxml2's xmlTextWriter.
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name=.. tests=.. failures=.. errors="0" time=..>
 *     <testsuite name=.. tests=.. failures=.. errors="0" skipped="0" time=..>
 *       <testcase classname=.. name=.. time=..>
 *         <failure message=.. type=..>details</failure>     (failed cases only;
 *                                                            <error> when it could not run)
 *         <system-out>..</system-out>                        (optional)
 *       </testcase> ...
 *
 * One suite per document (cmocka issue #5 is what several suites in one
 * file written by several writers gives).  Strings are cleaned on the way
 * out: invalid UTF-8 and the control characters XML 1.0 forbids become
 * U+FFFD, so any op name a model carries still makes a well-formed file.
 */
#ifndef ANELINT_BACKEND_JUNIT_H
#define ANELINT_BACKEND_JUNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct JunitCase {
	const char *classname;      /* e.g. "anelint.check.<model>" */
	const char *name;           /* the gate, or the model */
	double seconds;
	const char *failure;        /* one-line failure message; NULL: passed */
	bool error;                 /* the failure is an <error> (could not run) */
	const char *failure_type;   /* e.g. "min-ane"; NULL: "failure" */
	const char *details;        /* failure body (reasons, ops), or NULL */
	const char *system_out;     /* a passing case's summary, or NULL */
} JunitCase;

typedef struct JunitSuite {
	const char *name;
	double seconds;
	uint32_t ncases;
	const JunitCase *cases;
} JunitSuite;

/* Write the document; 0 on success, -1 when libxml2 fails or out errs. */
int junit_write(const JunitSuite *s, FILE *out);

#endif
