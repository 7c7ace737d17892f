/**
 * QBO's error responses, built the way the real API builds them (qbo-api.md §4 and qbo-captures/):
 * a JSON `Fault` with a string `code`, `Message`, `Detail` and usually `element`, type ValidationFault,
 * HTTP 400 for validation problems. The emulator throws QboFault and one handler renders it.
 */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly error: FaultError,
    readonly type: string = 'ValidationFault',
    /** Some real faults (2030) carry no `time` in the envelope. */
    readonly withTime = true,
  ) {
    super(`${error.code} ${error.Message}: ${error.Detail}`);
    this.name = 'QboFault';
  }

  body(time: string): Record<string, unknown> {
    const fault = { Fault: { Error: [this.error], type: this.type } };
    return this.withTime ? { ...fault, time } : fault;
  }
}

export const faults = {
  invalidQuery: (detail: string) => new QboFault(400, { Message: 'Invalid query', Detail: detail, code: '4001' }),

  objectNotFound: () =>
    new QboFault(400, {
      Message: 'Object Not Found',
      Detail:
        "Object Not Found : Something you're trying to use has been made inactive. " +
        'Check the fields with accounts, customers, items, vendors or employees.',
      code: '610',
      element: '',
    }),

  staleObject: (entity: string) =>
    new QboFault(400, {
      Message: 'Stale Object Error',
      Detail:
        'Stale Object Error : You and another user were working on this at the same time. ' +
        `The other user finished before you did, so your work was not saved. Entity=${entity}`,
      code: '5010',
      element: '',
    }),

  duplicateName: () =>
    new QboFault(400, {
      Message: 'Duplicate Name Exists Error',
      Detail: 'The name supplied already exists. : null',
      code: '6240',
    }),

  unknownProperty: (entity: string, property: string, known: readonly string[]) =>
    new QboFault(400, {
      Message: 'Request has invalid or unsupported property',
      Detail:
        `Property Name:Unrecognized field "${property}" (class com.intuit.schema.finance.v3.${entity}), ` +
        `not marked as ignorable (${known.length} known properties: ${known.map((k) => `"${k}"`).join(', ')}]) ` +
        'specified is unsupported or invalid',
      code: '2010',
    }),

  stringTooLong: (element: string, max: number, supplied: number) =>
    new QboFault(400, {
      Message: 'String length is either shorter or longer than supported by specification',
      Detail:
        'String length specified does not match the supported length. ' +
        `Min:0 Max:${max} supported. Supplied length:${supplied}`,
      code: '2050',
      element,
    }),

  invalidId: (supplied: string) =>
    new QboFault(
      400,
      {
        Message: 'Invalid ID',
        Detail: `Id should be a valid number. Supplied value:${supplied}`,
        code: '2030',
        element: 'Id',
      },
      'ValidationFault',
      false,
    ),

  requiredParam: (element: string, detail?: string) =>
    new QboFault(400, {
      Message: 'Required param missing, need to supply the required value for the API',
      Detail: detail ?? `Required parameter ${element} is missing in the request`,
      code: '2020',
      element,
    }),

  invalidReference: (element: string, id: string) =>
    new QboFault(400, {
      Message: 'Invalid Reference Id',
      Detail: `Invalid Reference Id : ${element} assigned is not valid. Id:${id}`,
      code: '2500',
      element,
    }),

  businessValidation: (detail: string, element = '') =>
    new QboFault(400, {
      Message: 'A business validation error has occurred while processing your request',
      Detail: `Business Validation Error: ${detail}`,
      code: '6000',
      element,
    }),

  unsupportedOperation: (relativePath: string) =>
    new QboFault(400, {
      Message: 'Unsupported Operation',
      Detail: `Operation Could not find resource for relative : ${relativePath} is not supported.`,
      code: '500',
    }),

  requestNotParsable: (detail: string) =>
    new QboFault(400, { Message: 'Request has invalid or unsupported property', Detail: detail, code: '2010' }),

  invalidEnumeration: (element: string, value: string) =>
    new QboFault(400, {
      Message: 'Invalid Enumeration',
      Detail: `Invalid Enumeration : ${value}`,
      code: '2170',
      element,
    }),

  operationNotAllowed: (entity: string, operation: string) =>
    new QboFault(400, {
      Message: 'Operation not supported',
      Detail: `Operation ${operation} is not supported for ${entity}.`,
      code: '4002',
    }),

  /** Wrong realm for a valid token (AuthorizationFault). */
  authorizationFailed: () =>
    new QboFault(
      403,
      { Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', Detail: '', code: '3100' },
      'AUTHORIZATION',
    ),
};

/** The 401 body is a different, lower-case shape (qbo-captures/error-401.json). */
export function authFaultBody(detail: string, nowMs: number): Record<string, unknown> {
  return {
    warnings: null,
    intuitObject: null,
    fault: {
      error: [
        {
          message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
          detail,
          code: '3200',
          element: null,
        },
      ],
      type: 'AUTHENTICATION',
    },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: [],
  };
}

export const WWW_AUTHENTICATE_INVALID_TOKEN = 'Bearer realm="Intuit", error="invalid_token"';
