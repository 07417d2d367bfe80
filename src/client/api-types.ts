// Generated from openapi.json by `npm run generate:client` (openapi-typescript). Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The database (with every migration applied) and the queue are reachable; else 503 problem details whose checks and failed name the one that is not */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ingest a batch of account transactions
         * @description Stores the batch atomically and idempotently and answers 202; enrichment happens asynchronously.
         */
        post: operations["ingestTransactions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/transactions/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remove transactions of an account: they stay readable but count nowhere */
        post: operations["removeTransactions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{account_id}/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pages through an account's transactions, newest date first */
        get: operations["listAccountTransactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts/{account_id}/transactions/{transaction_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One transaction of an account, with its batch */
        get: operations["getAccountTransaction"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Corrects a transaction's category (locks it), or unlocks it for enrichment with null
         * @description A locked category is never changed by enrichment; the correction teaches this integration’s categorizer.
         */
        patch: operations["correctAccountTransaction"];
        trace?: never;
    };
    "/api/accounts/{account_id}/reenrich": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enriches an account's transactions again (locked and removed ones are left alone)
         * @description Sends back to enrichment the account's finished transactions that match, and counts them in `transactions`. Transactions still waiting for enrichment (a new batch, or an earlier re-enrichment under way) are neither sent again nor counted: they are enriched by what runs when a worker takes them, corrections made since included. A re-enrichment with nothing to send is completed at once.
         */
        post: operations["reenrichAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reenrichments/{reenrichment_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A re-enrichment's status and its transactions counted by status */
        get: operations["getReenrichment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Follows every change to the integration's transactions, in commit order, from a cursor */
        get: operations["listChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/batches/{batch_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A batch's status and its transactions counted by status */
        get: operations["getBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/batches/{batch_id}/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pages through a batch's transactions with their enrichment */
        get: operations["listBatchTransactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reports/account/{account_id}/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's spend, income, top spend categories and enrichment progress over an inclusive date range */
        get: operations["getAccountSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The categories a transaction can get (Plaid PFC v1 primaries, plus UNCATEGORIZED) */
        get: operations["listCategories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The integration's accounts with their transaction counts, oldest first */
        get: operations["listAccounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The integration's batches, newest first, each with its status and counts */
        get: operations["listBatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/reports/account/{account_id}/monthly": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's spend, income and spend by category, month by month, over an inclusive date range */
        get: operations["getAccountMonthly"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The integration's webhook endpoints (never their secrets) */
        get: operations["listWebhooks"];
        put?: never;
        /** Registers a webhook endpoint; its signing secret is shown only in this answer */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Deletes a webhook endpoint: nothing more is sent to it */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issues a new signing secret; the previous one keeps signing beside it for 24 h */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's deliveries, newest first, with the outcome of their last attempt */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}/deliveries/{delivery_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sends a delivery again now */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "batch.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A batch has nothing left to enrich
         * @description Sent once per batch, when none of its transactions is left to enrich; `data` is the batch as GET /api/batches/{batch_id} shows it. Delivered as a POST to the endpoint's URL; redirects are not followed.
         */
        post: operations["onBatchCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transactions.changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The change feed has new changes
         * @description At most one per integration in 5 s, coalesced: read GET /api/changes from `data.cursor`. Delivered as a POST to the endpoint's URL; redirects are not followed.
         */
        post: operations["onTransactionsChanged"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "reenrichment.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A re-enrichment has finished
         * @description `data` is the re-enrichment as GET /api/reenrichments/{reenrichment_id} shows it. Delivered as a POST to the endpoint's URL; redirects are not followed.
         */
        post: operations["onReenrichmentCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * Problem
         * @description RFC 9457 problem details
         */
        Problem: {
            /**
             * @description A URI naming the kind of problem
             * @example urn:lucro:problem:not_found
             */
            type: string;
            /** @description A short summary of the kind of problem */
            title: string;
            /** @description The HTTP status of this answer */
            status: number;
            /** @description What went wrong with this request, for people */
            detail: string;
            /**
             * @description Stable snake_case problem code
             * @enum {string}
             */
            code: "unauthorized" | "forbidden" | "not_found" | "invalid_parameter" | "validation_error" | "invalid_json" | "rate_limited" | "service_unavailable" | "internal_error" | "batch_too_large" | "payload_too_large" | "unsupported_media_type" | "account_currency_mismatch" | "duplicate_conflict" | "idempotency_key_reused" | "idempotency_in_progress" | "transaction_removed" | "invalid_webhook_url";
            /** @description validation_error and invalid_parameter: every problem found, each located by a JSON Pointer */
            errors?: {
                /** @description JSON Pointer to the field */
                pointer: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "transaction_id": "TX-1001",
         *       "batch_id": "0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d",
         *       "date": "2026-11-02",
         *       "amount": "-12.50",
         *       "currency": "USD",
         *       "merchant_name": "Starbucks",
         *       "description": "STARBUCKS STORE 1234 SEATTLE WA",
         *       "category": "FOOD_AND_DRINK",
         *       "category_confidence": 0.97,
         *       "category_source": "rules:coffee",
         *       "category_locked": false,
         *       "categorizer_version": "layered@5+brands@20260918",
         *       "status": "completed",
         *       "attempts": 1,
         *       "error": null,
         *       "pending": false,
         *       "pending_transaction_id": null,
         *       "removed_at": null,
         *       "replaced_by": null
         *     }
         */
        Transaction: {
            transaction_id: string;
            /**
             * Format: uuid
             * @description The batch that stored or last modified it
             */
            batch_id: string;
            /** Format: date */
            date: string;
            /** @description Exact decimal with the currency's minor-unit decimals */
            amount: string;
            currency: string;
            merchant_name: string | null;
            description: string | null;
            /**
             * @description A category of GET /api/categories; null until enriched
             * @enum {string|null}
             */
            category: "INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES" | "UNCATEGORIZED" | null;
            category_confidence: number | null;
            category_source: string | null;
            /** @description A person chose the category; enrichment never changes it */
            category_locked: boolean;
            categorizer_version: string | null;
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed";
            attempts: number;
            error: string | null;
            /** @description The bank has not posted it yet */
            pending: boolean;
            pending_transaction_id: string | null;
            removed_at: string | null;
            replaced_by: string | null;
        };
        /**
         * @example {
         *       "batch_id": "0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d",
         *       "account_id": "ACC-001",
         *       "status": "processing",
         *       "created_at": "2026-11-27T10:00:00.000Z",
         *       "completed_at": null,
         *       "counts": {
         *         "total": 15,
         *         "pending": 3,
         *         "processing": 2,
         *         "completed": 10,
         *         "failed": 0
         *       }
         *     }
         */
        Batch: {
            /** Format: uuid */
            batch_id: string;
            account_id: string;
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "completed_with_errors";
            /** Format: date-time */
            created_at: string;
            completed_at: string | null;
            counts: {
                total: number;
                pending: number;
                processing: number;
                completed: number;
                failed: number;
            };
        };
        /**
         * @example {
         *       "account_id": "ACC-001",
         *       "currency": "USD",
         *       "start_date": "2026-01-01",
         *       "end_date": "2026-03-31",
         *       "include_pending": true,
         *       "total_transactions": 120,
         *       "total_spend": "3456.78",
         *       "total_income": "5000.00",
         *       "net": "1543.22",
         *       "top_spend_categories": [
         *         {
         *           "category": "FOOD_AND_DRINK",
         *           "total_spend": "800.00",
         *           "transaction_count": 40
         *         }
         *       ],
         *       "ingestion_status": {
         *         "pending": 0,
         *         "processing": 0,
         *         "completed": 118,
         *         "failed": 2
         *       }
         *     }
         */
        AccountSummary: {
            account_id: string;
            currency: string;
            start_date: string | null;
            end_date: string | null;
            include_pending: boolean;
            /** @description Every transaction in range, whatever its status */
            total_transactions: number;
            /**
             * @description Magnitude of the sum of negative amounts; exact decimal with the currency's minor-unit decimals
             * @example 3456.78
             */
            total_spend: string;
            /**
             * @description Sum of positive amounts; exact decimal with the currency's minor-unit decimals
             * @example 3456.78
             */
            total_income: string;
            /**
             * @description total_income - total_spend; may be negative; exact decimal with the currency's minor-unit decimals
             * @example 3456.78
             */
            net: string;
            /** @description Categorized spend by total_spend descending, ties by category name ascending */
            top_spend_categories: {
                /**
                 * @description A primary category (never UNCATEGORIZED)
                 * @enum {string}
                 */
                category: "INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES";
                /**
                 * @description Magnitude of the category's money out; exact decimal with the currency's minor-unit decimals
                 * @example 3456.78
                 */
                total_spend: string;
                /** @description Spending transactions in the category */
                transaction_count: number;
            }[];
            /** @description Transactions in range by enrichment status; they add up to total_transactions */
            ingestion_status: {
                pending: number;
                processing: number;
                completed: number;
                failed: number;
            };
        };
        Account: {
            account_id: string;
            currency: string;
            name: string | null;
            institution: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description The account's transactions, in any enrichment status and bank-pending ones included; removed transactions are not counted */
            transaction_count: number;
        };
        /**
         * @example {
         *       "account_id": "ACC-001",
         *       "currency": "USD",
         *       "start_date": "2026-10-01",
         *       "end_date": "2026-11-30",
         *       "include_pending": true,
         *       "months": [
         *         {
         *           "month": "2026-10",
         *           "total_spend": "1511.89",
         *           "total_income": "2500.00",
         *           "net": "988.11",
         *           "categories": [
         *             {
         *               "category": "RENT_AND_UTILITIES",
         *               "total_spend": "1200.00",
         *               "transaction_count": 1
         *             },
         *             {
         *               "category": "FOOD_AND_DRINK",
         *               "total_spend": "311.89",
         *               "transaction_count": 14
         *             }
         *           ]
         *         },
         *         {
         *           "month": "2026-11",
         *           "total_spend": "96.40",
         *           "total_income": "2600.00",
         *           "net": "2503.60",
         *           "categories": [
         *             {
         *               "category": "FOOD_AND_DRINK",
         *               "total_spend": "96.40",
         *               "transaction_count": 5
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        MonthlyReport: {
            account_id: string;
            currency: string;
            start_date: string | null;
            end_date: string | null;
            include_pending: boolean;
            /** @description Months with transactions in range, ascending */
            months: {
                /**
                 * @description YYYY-MM
                 * @example 2026-10
                 */
                month: string;
                /**
                 * @description Magnitude of the sum of negative amounts; exact decimal with the currency's minor-unit decimals
                 * @example 3456.78
                 */
                total_spend: string;
                /**
                 * @description Sum of positive amounts; exact decimal with the currency's minor-unit decimals
                 * @example 3456.78
                 */
                total_income: string;
                /**
                 * @description total_income - total_spend; may be negative; exact decimal with the currency's minor-unit decimals
                 * @example 3456.78
                 */
                net: string;
                /** @description Every categorized spend category of the month, by total_spend descending, ties by name */
                categories: {
                    /**
                     * @description A primary category (never UNCATEGORIZED)
                     * @enum {string}
                     */
                    category: "INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES";
                    /**
                     * @description Magnitude of the category's money out; exact decimal with the currency's minor-unit decimals
                     * @example 3456.78
                     */
                    total_spend: string;
                    /** @description Spending transactions in the category */
                    transaction_count: number;
                }[];
            }[];
        };
        Change: {
            /** @description Position of this change; reading from it returns the changes after it */
            cursor: string;
            /** @enum {string} */
            type: "transaction.added" | "transaction.modified" | "transaction.enriched" | "transaction.corrected" | "transaction.removed";
            account_id: string;
            transaction_id: string;
            /** Format: date-time */
            occurred_at: string;
            transaction: components["schemas"]["Transaction"];
        };
        Reenrichment: {
            /** Format: uuid */
            reenrichment_id: string;
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "completed_with_errors";
            /** Format: date-time */
            created_at: string;
            completed_at: string | null;
            counts: {
                total: number;
                pending: number;
                processing: number;
                completed: number;
                failed: number;
            };
        };
        WebhookEndpoint: {
            id: string;
            url: string;
            events: string[];
            /** Format: date-time */
            created_at: string;
        };
        WebhookDelivery: {
            delivery_id: string;
            event_id: string;
            event_type: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            last_response_status: number | null;
            last_error: string | null;
            next_attempt_at: string | null;
            /** Format: date-time */
            created_at: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
            /** @description Not Found (`not_found`), Invalid parameter (`invalid_parameter`) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found" | "invalid_parameter";
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: {
                /** @description database, queue, or both (repeated or comma-separated): that dependency being unreachable leaves the answer 200, its check reading `unreachable`. A database lacking migrations is still 503. For the API's Kubernetes readiness probe: in an outage of a dependency every pod shares, the pods stay in the Service and answer 503 problem details (or, for Redis, go on accepting batches) instead of all leaving it. */
                exclude?: string | string[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ready";
                        checks: {
                            database: string;
                            queue: string;
                        };
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
            /** @description Not Found (`not_found`), Invalid parameter (`invalid_parameter`) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found" | "invalid_parameter";
                    };
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description Not Found (`not_found`), Invalid parameter (`invalid_parameter`) */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found" | "invalid_parameter";
                    };
                };
            };
        };
    };
    ingestTransactions: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1–255 characters; a retry with the same key and body replays the first answer for at least 24 h */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "account": {
                 *         "account_id": "ACC-001",
                 *         "currency": "USD",
                 *         "name": "Everyday Checking",
                 *         "institution": "Example Bank"
                 *       },
                 *       "transactions": [
                 *         {
                 *           "transaction_id": "TX-1001",
                 *           "date": "2026-11-02",
                 *           "amount": "-12.50",
                 *           "merchant_name": "Starbucks",
                 *           "description": "STARBUCKS STORE 1234 SEATTLE WA"
                 *         },
                 *         {
                 *           "transaction_id": "TX-1002",
                 *           "date": "2026-11-03",
                 *           "amount": "-42.10",
                 *           "description": "POS PURCHASE SHELL 5521",
                 *           "pending": true
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    account: {
                        /** @description Your id for the account; unique within your integration */
                        account_id: string;
                        /** @description Active ISO 4217 code, upper case */
                        currency: string;
                        name?: string | null;
                        institution?: string | null;
                    } & {
                        [key: string]: unknown;
                    };
                    /** @description 1 to 10000 transactions (MAX_BATCH_SIZE); more is answered 413 batch_too_large */
                    transactions: ({
                        /** @description Unique per account; the idempotency key of the transaction */
                        transaction_id: string;
                        /**
                         * Format: date
                         * @description Calendar date YYYY-MM-DD
                         */
                        date: string;
                        /**
                         * @description Exact decimal (string preferred); negative is money out, positive money in; at most the currency's minor-unit decimals; |amount| < 10^13
                         * @example -12.50
                         */
                        amount: string | number;
                        /** @description Defaults to the account's currency and must equal it */
                        currency?: string;
                        merchant_name?: string | null;
                        description?: string | null;
                        /** @description The bank has not posted it yet; a pending transaction may be sent again changed (default false) */
                        pending?: boolean;
                        pending_transaction_id?: string | null;
                    } & {
                        [key: string]: unknown;
                    })[];
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    /** @description The batch to follow: /api/batches/{batch_id}, as status_url */
                    Location: string;
                    /** @description true when this is the first answer to the same Idempotency-Key and body, sent again; absent otherwise */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "batch_id": "0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d",
                     *       "account_id": "ACC-001",
                     *       "status": "pending",
                     *       "received": 2,
                     *       "accepted": 2,
                     *       "duplicates": 0,
                     *       "modified": 0,
                     *       "status_url": "/api/batches/0b6a4c5e-2f3d-4c1a-9e7b-5d8f6a1b2c3d"
                     *     }
                     */
                    "application/json": {
                        /** Format: uuid */
                        batch_id: string;
                        account_id: string;
                        /** @enum {string} */
                        status: "pending" | "completed";
                        received: number;
                        accepted: number;
                        duplicates: number;
                        /** @description Pending transactions stored earlier and updated by this batch */
                        modified: number;
                        status_url: string;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Malformed JSON (`invalid_json`), Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_json" | "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Account currency mismatch (`account_currency_mismatch`), Duplicate transaction conflict (`duplicate_conflict`), Idempotent request in progress (`idempotency_in_progress`) */
            409: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "account_currency_mismatch" | "duplicate_conflict" | "idempotency_in_progress";
                        /** @description The currency the account holds */
                        account_currency?: string;
                        /** @description The transaction ids already stored with other content (contract §4) */
                        transaction_ids?: string[];
                    };
                };
            };
            /** @description Batch too large (`batch_too_large`), Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "batch_too_large" | "payload_too_large";
                        /** @description The most transactions a batch may hold */
                        max_batch_size?: number;
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Idempotency key reused (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "idempotency_key_reused";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    removeTransactions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Your id for the account; unique within your integration */
                    account_id: string;
                    /** @description Ids of the account's transactions to remove; removing is idempotent and final */
                    transaction_ids: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Removed by this request */
                        removed: number;
                        /** @description Removed before */
                        already_removed: number;
                        /** @description Ids the account does not hold */
                        not_found: string[];
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Malformed JSON (`invalid_json`), Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_json" | "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listAccountTransactions: {
        parameters: {
            query?: {
                /** @description First day included, YYYY-MM-DD */
                start_date?: string;
                /** @description Last day included, YYYY-MM-DD */
                end_date?: string;
                /** @description One category of GET /api/categories */
                category?: "INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES" | "UNCATEGORIZED";
                /** @description pending, processing, completed or failed */
                status?: "pending" | "processing" | "completed" | "failed";
                /** @description true or false (default false) */
                include_removed?: "true" | "false";
                /**
                 * @description Text the merchant name, description or transaction id contains, any case (1–200 characters)
                 * @example starbucks
                 */
                q?: string;
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        transactions: components["schemas"]["Transaction"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    getAccountTransaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
                transaction_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transaction"];
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    correctAccountTransaction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
                transaction_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A category of GET /api/categories (UNCATEGORIZED included), or null to unlock and enrich again */
                    category: ("INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES" | "UNCATEGORIZED") | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transaction"];
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`), Malformed JSON (`invalid_json`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter" | "invalid_json";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Transaction removed (`transaction_removed`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "transaction_removed";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    reenrichAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * Format: date
                     * @description First day included, YYYY-MM-DD
                     */
                    start_date?: string;
                    /**
                     * Format: date
                     * @description Last day included, YYYY-MM-DD
                     */
                    end_date?: string;
                    /** @description Only transactions with no category or UNCATEGORIZED (default false) */
                    only_uncategorized?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    /** @description The re-enrichment to follow: /api/reenrichments/{reenrichment_id}, as status_url */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        reenrichment_id: string;
                        /** @description How many transactions it will enrich again (locked and removed ones are left alone) */
                        transactions: number;
                        status_url: string;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`), Malformed JSON (`invalid_json`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter" | "invalid_json";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    getReenrichment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id returned by POST …/reenrich */
                reenrichment_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reenrichment"];
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listChanges: {
        parameters: {
            query?: {
                /** @description next_cursor (or a change cursor) from an earlier page; absent starts at the first change kept */
                cursor?: string;
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        changes: components["schemas"]["Change"][];
                        /** @description Pass it as cursor to read on; it stays usable when there is nothing new yet */
                        next_cursor: string;
                        has_more: boolean;
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    getBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The batch id (UUID) returned by ingestion */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listBatchTransactions: {
        parameters: {
            query?: {
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The batch id (UUID) returned by ingestion */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        transactions: components["schemas"]["Transaction"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    getAccountSummary: {
        parameters: {
            query?: {
                /** @description First day included, YYYY-MM-DD; absent means from the first transaction */
                start_date?: string;
                /** @description Last day included, YYYY-MM-DD; absent means up to the last transaction */
                end_date?: string;
                /** @description true (default) or false: whether transactions the bank has not posted yet count */
                include_pending?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountSummary"];
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        categories: {
                            /** @enum {string} */
                            category: "INCOME" | "TRANSFER_IN" | "TRANSFER_OUT" | "LOAN_PAYMENTS" | "BANK_FEES" | "ENTERTAINMENT" | "FOOD_AND_DRINK" | "GENERAL_MERCHANDISE" | "HOME_IMPROVEMENT" | "MEDICAL" | "PERSONAL_CARE" | "GENERAL_SERVICES" | "GOVERNMENT_AND_NON_PROFIT" | "TRANSPORTATION" | "TRAVEL" | "RENT_AND_UTILITIES" | "UNCATEGORIZED";
                            description: string;
                        }[];
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listAccounts: {
        parameters: {
            query?: {
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "accounts": [
                     *         {
                     *           "account_id": "ACC-001",
                     *           "currency": "USD",
                     *           "name": "Everyday Checking",
                     *           "institution": "Example Bank",
                     *           "created_at": "2026-11-27T10:00:00.000Z",
                     *           "transaction_count": 120
                     *         }
                     *       ],
                     *       "next_cursor": null
                     *     }
                     */
                    "application/json": {
                        /** @description Oldest first, in the order the accounts were created */
                        accounts: components["schemas"]["Account"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listBatches: {
        parameters: {
            query?: {
                /** @description Only batches with this status: pending, processing, completed or completed_with_errors */
                status?: "pending" | "processing" | "completed" | "completed_with_errors";
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Newest first */
                        batches: components["schemas"]["Batch"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    getAccountMonthly: {
        parameters: {
            query?: {
                /** @description First day included, YYYY-MM-DD; absent means from the first transaction */
                start_date?: string;
                /** @description Last day included, YYYY-MM-DD; absent means up to the last transaction */
                end_date?: string;
                /** @description true (default) or false: whether transactions the bank still reports as pending count */
                include_pending?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Your id for the account, as sent at ingestion */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonthlyReport"];
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhooks: components["schemas"]["WebhookEndpoint"][];
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description https URL that receives the POSTs */
                    url: string;
                    /** @description batch.completed, transactions.changed, reenrichment.completed, or ["*"] for all */
                    events: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    /** @description no-store: the answer shows a signing secret */
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        url: string;
                        events: string[];
                        /** Format: date-time */
                        created_at: string;
                        /** @description whsec_…: shown only in this answer */
                        secret: string;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid webhook URL (`invalid_webhook_url`), Invalid parameter (`invalid_parameter`), Malformed JSON (`invalid_json`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_webhook_url" | "invalid_parameter" | "invalid_json";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook id (we_ and 24 hex digits) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook id (we_ and 24 hex digits) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description no-store: the answer shows a signing secret */
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        secret: string;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`), Malformed JSON (`invalid_json`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter" | "invalid_json";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description pending, delivered or failed */
                status?: "pending" | "delivered" | "failed";
                /** @description Page size: 1–1000, default 100 */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The webhook id (we_ and 24 hex digits) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveries: components["schemas"]["WebhookDelivery"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook id (we_ and 24 hex digits) */
                id: string;
                /** @description The delivery id (whd_ and 32 hex digits) */
                delivery_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        delivery_id: string;
                    };
                };
            };
            /** @description Validation failed (`validation_error`), Invalid parameter (`invalid_parameter`), Malformed JSON (`invalid_json`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "validation_error" | "invalid_parameter" | "invalid_json";
                    };
                };
            };
            /** @description Unauthorized (`unauthorized`) */
            401: {
                headers: {
                    /** @description The scheme to authenticate with: send Authorization: Bearer <key> */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unauthorized";
                    };
                };
            };
            /** @description Forbidden (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "forbidden";
                    };
                };
            };
            /** @description Not Found (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "not_found";
                    };
                };
            };
            /** @description Payload too large (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "payload_too_large";
                    };
                };
            };
            /** @description Invalid parameter (`invalid_parameter`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "invalid_parameter";
                    };
                };
            };
            /** @description Unsupported media type (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "unsupported_media_type";
                    };
                };
            };
            /** @description Too many requests (`rate_limited`) */
            429: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "rate_limited";
                        /** @description Seconds to wait, as Retry-After says */
                        retry_after?: number;
                    };
                };
            };
            /** @description Internal error (`internal_error`) */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "internal_error";
                    };
                };
            };
            /** @description Service unavailable (`service_unavailable`) */
            503: {
                headers: {
                    /** @description Seconds to wait before sending the request again */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"] & {
                        /** @enum {string} */
                        code: "service_unavailable";
                    };
                };
            };
        };
    };
    onBatchCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, as `id` in the body: the same on every retry, so a receiver can drop repeats */
                "Lucro-Event-Id": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1=` per active secret (two for 24 h after a rotation, more after several); the key is the whole `whsec_…` secret as UTF-8 bytes. Compare in constant time and reject a `t` older than 5 minutes. */
                "Lucro-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The event id (as Lucro-Event-Id) */
                    id: string;
                    /** @constant */
                    type: "batch.completed";
                    /**
                     * Format: date-time
                     * @description When the event was recorded
                     */
                    created_at: string;
                    data: components["schemas"]["Batch"];
                };
            };
        };
        responses: {
            /** @description Delivered: any 2xx within 10 s */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Anything else, or no answer within 10 s: sent again with exponential backoff for at least 24 h (WEBHOOK_RETRY_HOURS), then the delivery is failed */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onTransactionsChanged: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, as `id` in the body: the same on every retry, so a receiver can drop repeats */
                "Lucro-Event-Id": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1=` per active secret (two for 24 h after a rotation, more after several); the key is the whole `whsec_…` secret as UTF-8 bytes. Compare in constant time and reject a `t` older than 5 minutes. */
                "Lucro-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The event id (as Lucro-Event-Id) */
                    id: string;
                    /** @constant */
                    type: "transactions.changed";
                    /**
                     * Format: date-time
                     * @description When the event was recorded
                     */
                    created_at: string;
                    data: {
                        /** @description A cursor of GET /api/changes: reading on from it gives every change since the last notification */
                        cursor: string;
                    };
                };
            };
        };
        responses: {
            /** @description Delivered: any 2xx within 10 s */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Anything else, or no answer within 10 s: sent again with exponential backoff for at least 24 h (WEBHOOK_RETRY_HOURS), then the delivery is failed */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    onReenrichmentCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, as `id` in the body: the same on every retry, so a receiver can drop repeats */
                "Lucro-Event-Id": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1=` per active secret (two for 24 h after a rotation, more after several); the key is the whole `whsec_…` secret as UTF-8 bytes. Compare in constant time and reject a `t` older than 5 minutes. */
                "Lucro-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The event id (as Lucro-Event-Id) */
                    id: string;
                    /** @constant */
                    type: "reenrichment.completed";
                    /**
                     * Format: date-time
                     * @description When the event was recorded
                     */
                    created_at: string;
                    data: components["schemas"]["Reenrichment"];
                };
            };
        };
        responses: {
            /** @description Delivered: any 2xx within 10 s */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Anything else, or no answer within 10 s: sent again with exponential backoff for at least 24 h (WEBHOOK_RETRY_HOURS), then the delivery is failed */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
